// Which object keys (and `key=value` names inside text) hold credentials. The vocabulary, the
// word splitting and the exemptions are listed for reviewers in docs/runtime.md ("Redaction of
// captured events"); keep the two in step.

/**
 * What a key says about its value:
 * - `drop`: a credential whatever its shape (a string, a number, an object, an array);
 * - `holder`: a credential when it is a scalar, a description when it is an object (token.enrich's
 *   `token`, session hooks' `session`: see shared/hooks/payload-schemas.ts), walked then;
 * - `none`: an ordinary key.
 */
export type KeyClass = 'drop' | 'holder' | 'none';

/** Words, or words written together (`api key` → `apikey`), that name a credential. */
const dropTerms = new Set([
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'apikey',
  'apisecret',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'otp',
  'totp',
  'hotp',
  'pin',
  'pincode',
  'ssn',
  'socialsecuritynumber',
  'cardnumber',
  'cvv',
  'cvc',
  'cvv2',
  'cvc2',
  'securitycode',
  'credential',
  'privatekey',
  'secretkey',
  'signingkey',
  'encryptionkey',
  'masterkey',
  'clientsecret',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'sessiontoken',
  'sessionid',
  'sessionkey',
  'authtoken',
  'bearertoken',
  'authcode',
  'authorizationcode',
  'accesscode',
  'verificationcode',
  'resetcode',
  'recoverycode',
  'backupcode',
  'magiclink',
  'signature',
]);

/** Credential when a scalar, description when an object. */
const holderTerms = new Set(['token', 'session', 'auth', 'card', 'creditcard']);

/** `pass` only counts as the last word (`userPass`), not in `passThrough` or `passCount`. */
const headOnlyTerms = new Set(['pass']);

/** Written together inside one lowercase word: `newpassword`, `xapikey`, `appsecret`, `csrftoken`. */
const gluedAnywhere = ['password', 'passwd', 'passphrase'];
const gluedSuffixes: ReadonlyArray<[string, KeyClass]> = [
  ['apikey', 'drop'],
  ['secret', 'drop'],
  ['cookie', 'drop'],
  ['privatekey', 'drop'],
  ['token', 'holder'],
];

/**
 * Last words that make a key describe the credential named before them instead of holding it:
 * `passwordChangedAt`, `tokenType`, `authMethod`, `secretName`, `sessionExpiresAt`, `apiKeyId`.
 */
const descriptorWords = new Set([
  'at',
  'on',
  'in',
  'time',
  'timestamp',
  'date',
  'expires',
  'expiry',
  'expiration',
  'expired',
  'exp',
  'ttl',
  'lifetime',
  'age',
  'type',
  'kind',
  'method',
  'provider',
  'enabled',
  'disabled',
  'required',
  'set',
  'exists',
  'present',
  'configured',
  'supported',
  'allowed',
  'length',
  'count',
  'strength',
  'score',
  'policy',
  'rule',
  'version',
  'alg',
  'algorithm',
  'scheme',
  'name',
  'label',
  'url',
  'uri',
  'endpoint',
  'scope',
  'audience',
  'issuer',
  'id',
  'format',
  'status',
  'changed',
  'updated',
  'created',
  'last',
  'brand',
  'country',
  'month',
  'year',
  'valid',
  'verified',
]);

/** Inside an object under a holder key (`token: { value }`, `card: { number }`), these hold it. */
const heldValueKeys = new Set(['value', 'raw', 'encoded', 'plaintext', 'plain', 'number', 'code', 'jwt', 'pan']);

const inSet = (set: ReadonlySet<string>, word: string) =>
  set.has(word) || (word.length > 3 && word.endsWith('s') && set.has(word.slice(0, -1)));

/**
 * The words of a key, lowercase: split at anything that is not a letter or digit, at camelCase
 * boundaries (`userPassword`, `APIKey` → api, key) and between letters and digits. One pass.
 */
export function keyWords(key: string): string[] {
  const words: string[] = [];
  let start = -1;
  const kindAt = (i: number): 0 | 1 | 2 | 3 => {
    const c = key.charCodeAt(i);
    if (c >= 65 && c <= 90) return 1; // upper
    if ((c >= 97 && c <= 122) || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && c < 0x2000)) return 2; // lower, or a letter of another script
    if (c >= 48 && c <= 57) return 3; // digit
    return 0;
  };
  for (let i = 0; i <= key.length; i++) {
    const kind = i < key.length ? kindAt(i) : 0;
    if (start >= 0) {
      const previous = kindAt(i - 1);
      const boundary =
        kind === 0 ||
        (previous === 2 && kind === 1) ||
        (previous === 3) !== (kind === 3) ||
        (previous === 1 && kind === 1 && i + 1 < key.length && kindAt(i + 1) === 2);
      if (boundary) {
        words.push(key.slice(start, i).toLowerCase());
        start = -1;
      }
    }
    if (start < 0 && kind !== 0) start = i;
  }
  return words;
}

/**
 * Every term above contains one of these: a key whose letters and digits (separators removed, so
 * that words written apart still meet) contain none of them is ordinary, which most keys are, and
 * this is far cheaper than splitting it into words.
 */
const stems = [
  'pass',
  'pwd',
  'secret',
  'key',
  'auth',
  'cookie',
  'otp',
  'pin',
  'ssn',
  'security',
  'card',
  'cvv',
  'cvc',
  'credential',
  'token',
  'session',
  'code',
  'magic',
  'signature',
];
const notAlnum = /[^a-z0-9]/g;

/** The class of a key; `heldBy` tells that its object sits under a holder key. Linear in the key. */
export function classifyKey(key: string, heldBy = false): KeyClass {
  const compact = key.toLowerCase().replace(notAlnum, '');
  if (!heldBy && !stems.some((stem) => compact.includes(stem))) return 'none';
  const words = keyWords(key);
  if (heldBy && words.length === 1 && heldValueKeys.has(words[0] as string)) return 'drop';
  // A key ending in a descriptor describes the credential named before it (`tokenType`).
  const last = words.length - 1;
  const described = last > 0 && inSet(descriptorWords, words[last] as string);
  let result = 'none' as KeyClass;
  const consider = (kind: KeyClass, end: number) => {
    if (described && end < last) return;
    if (kind === 'drop' || result === 'none') result = kind;
  };
  for (let i = 0; i < words.length && result !== 'drop'; i++) {
    const word = words[i] as string;
    let joined = '';
    for (let length = 1; length <= 3 && i + length <= words.length; length++) {
      joined += words[i + length - 1] as string;
      const end = i + length - 1;
      if (inSet(dropTerms, joined)) consider('drop', end);
      else if (inSet(holderTerms, joined)) consider('holder', end);
      else if (length === 1 && headOnlyTerms.has(joined) && end === words.length - 1) consider('drop', end);
    }
    if (gluedAnywhere.some((term) => word.includes(term))) consider('drop', i);
    for (const [suffix, kind] of gluedSuffixes) {
      if (word.length > suffix.length && word.endsWith(suffix)) consider(kind, i);
    }
  }
  return result;
}

const caches = [new Map<string, KeyClass>(), new Map<string, KeyClass>()] as const;
const cacheSize = 4096;

/** classifyKey, remembered for short keys: events and texts repeat the same few names. */
export function classifyKeyCached(key: string, heldBy = false): KeyClass {
  if (key.length > 64) return classifyKey(key, heldBy);
  const cache = caches[heldBy ? 1 : 0];
  let known = cache.get(key);
  if (known === undefined) {
    known = classifyKey(key, heldBy);
    if (cache.size >= cacheSize) cache.clear();
    cache.set(key, known);
  }
  return known;
}

/** How configured `dropKeys` are compared: no case, no `-`, `_`, `.` or spaces. */
export const normalizeKey = (key: string) => key.toLowerCase().replace(/[-_.\s]/g, '');
