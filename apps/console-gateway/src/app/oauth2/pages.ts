import type { AuthorizeOutcome } from '@site11/contracts';

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] as string);

const STYLE = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1a1b1e}
h1{font-size:1.4rem}label{display:block;margin:.75rem 0 .25rem;font-weight:600}
input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box;border:1px solid #6b6f76;border-radius:4px}
button{margin-top:1rem;padding:.5rem 1.25rem;font-size:1rem;border-radius:4px;border:1px solid #1c5cc4;background:#1c5cc4;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1c5cc4}.error{color:#a51d1d;font-weight:600}ul{padding-left:1.25rem}li{margin:.35rem 0}
:focus-visible{outline:3px solid #ff9f1a;outline-offset:2px}`;

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(title)} · site11</title><meta name="referrer" content="no-referrer"><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

type Page = Exclude<AuthorizeOutcome, { kind: 'redirect' }>;

const LOGIN_ERRORS: Record<NonNullable<Extract<AuthorizeOutcome, { kind: 'login' }>['error']>, string> = {
  invalid_credentials: 'Invalid email or password',
  email_not_verified: 'Verify your email address first: follow the link we sent you',
  mfa_expired: 'That sign-in expired or had too many wrong codes. Sign in again.',
};

/** The authorization server's pages: plain HTML forms that work without JavaScript. */
export function renderPage(outcome: Page): string {
  if (outcome.kind === 'error') {
    return layout(
      'Cannot continue',
      `<h1>Cannot continue</h1><p class="error" role="alert">${escape(outcome.description)}</p><p>Error: <code>${escape(outcome.error)}</code></p>`,
    );
  }
  const hidden = `<input type="hidden" name="request" value="${escape(outcome.request)}"><input type="hidden" name="csrf" value="${escape(outcome.csrf)}">`;
  if (outcome.kind === 'mfa') {
    return layout(
      'Two-factor authentication',
      `<h1>Enter your code to continue to ${escape(outcome.client.name)}</h1>
${outcome.error ? '<p class="error" role="alert" id="code-error">That code did not work. Try the current one.</p>' : ''}
<form method="post" action="/oauth2/login/mfa">${hidden}<input type="hidden" name="mfaToken" value="${escape(outcome.mfaToken)}">
<label for="code">Authentication code</label><input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required autofocus maxlength="19"${outcome.error ? ' aria-invalid="true" aria-describedby="code-error"' : ''}>
<p>Open your authenticator app, or use one of your recovery codes.</p>
<button type="submit">Verify</button></form>`,
    );
  }
  if (outcome.kind === 'login') {
    return layout(
      'Sign in',
      `<h1>Sign in to continue to ${escape(outcome.client.name)}</h1>
${outcome.error ? `<p class="error" role="alert">${LOGIN_ERRORS[outcome.error]}</p>` : ''}
<form method="post" action="/oauth2/login">${hidden}
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>`,
    );
  }
  const scopes = outcome.scopes.map(({ scope, description }) => `<li><strong>${escape(description)}</strong> <code>${escape(scope)}</code></li>`).join('');
  const homepage = outcome.client.homepageUrl ? ` (<a href="${escape(outcome.client.homepageUrl)}" rel="noopener noreferrer">${escape(outcome.client.homepageUrl)}</a>)` : '';
  return layout(
    `Allow ${outcome.client.name}`,
    `<h1>${escape(outcome.client.name)} wants to access your site11 account</h1>
<p>Signed in as ${escape(outcome.user.email)}. ${escape(outcome.client.name)}${homepage} asks to:</p><ul>${scopes}</ul>
<form method="post" action="/oauth2/consent">${hidden}
<button type="submit" name="decision" value="allow">Allow</button> <button type="submit" name="decision" value="deny" class="secondary">Deny</button></form>`,
  );
}

/**
 * The pages' policy: nothing but their own inline style; forms may post here and end at the
 * application's redirect URIs (Chromium applies `form-action` to the redirect after a post).
 */
export function pagePolicy(outcome: Page): string {
  const origins = outcome.kind === 'error' ? [] : outcome.client.redirectOrigins;
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `form-action 'self' ${origins.join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** After RP-initiated logout without a registered place to return to. */
export function renderSignedOut(): string {
  return layout('Signed out', '<h1>You are signed out</h1><p>You can close this window.</p>');
}
