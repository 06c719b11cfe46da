// The secrets tests talk to the real OS keychain. On Linux that is a private Secret Service that
// scripts/with-keyring.sh starts (npm test and npm run test:unit use it); run directly, they stop
// with this hint instead of touching the desktop's own keyring.
export function requireRealKeychain(): void {
  if (process.platform === 'linux' && !process.env.STUDIO_KEYRING_READY) {
    throw new Error(
      'These tests need the private test keychain: run them as `scripts/with-keyring.sh npx vitest run core/secrets`.',
    );
  }
}
