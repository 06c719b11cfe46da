import { expect, test } from './support/fixtures';

const groups: [string, string[]][] = [
  ['Sign-up', ['signup.before', 'signup.enrich', 'signup.after']],
  ['Sign-in and session', ['signin.before', 'signin.after', 'session.enrich']],
  ['Tokens', ['token.enrich']],
  ['Account linking', ['account-link.before', 'account-link.after']],
  [
    'Password and email',
    ['password-reset.before', 'password-change.after', 'email-change.before', 'email-verify.after'],
  ],
  ['Deletion', ['user-delete.before', 'user-delete.after']],
  ['Sign-out', ['signout.after']],
];

test('the studio opens and lists the 16 hooks by lifecycle with their modes', async ({ studioPage }) => {
  await studioPage.open();
  await expect(studioPage.page).toHaveTitle('Pipeline Studio');
  await expect(studioPage.hookRows()).toHaveCount(16);
  for (const [label, ids] of groups) {
    const rows = studioPage.group(label).getByRole('listitem');
    await expect(rows).toHaveCount(ids.length);
    for (const [index, id] of ids.entries()) await expect(rows.nth(index).locator('code')).toHaveText(id);
  }
  await expect(studioPage.hookNav.getByRole('listitem', { name: 'signup.before (blocking)' })).toBeVisible();
  await expect(studioPage.hookNav.getByRole('listitem', { name: 'token.enrich (enrichment)' })).toBeVisible();
  await expect(studioPage.hookNav.getByRole('listitem', { name: 'user-delete.after (async)' })).toBeVisible();
  await expect(studioPage.page.getByText('web mode')).toBeVisible();
});

test('the page keeps the token out of cookies and storage', async ({ studioPage }) => {
  await studioPage.open();
  expect(await studioPage.page.context().cookies()).toEqual([]);
  const stored = await studioPage.page.evaluate(
    () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
  );
  expect(stored).not.toContain(studioPage.studio.token);
});
