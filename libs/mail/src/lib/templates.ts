/** Every message the platform sends, with the parameters each one needs. */
export interface MailTemplates {
  'email-verification': { name: string; link: string; expiresInHours: number };
  'password-reset': { name: string; link: string; expiresInMinutes: number };
  'password-changed': { name: string; at: Date | string };
  'mfa-changed': { name: string; at: Date | string; enabled: boolean };
}
export type MailTemplateName = keyof MailTemplates;

export const MAIL_TEMPLATE_NAMES = ['email-verification', 'password-reset', 'password-changed', 'mfa-changed'] as const satisfies readonly MailTemplateName[];

/** The languages of the console, which mail follows. */
export type MailLocale = 'en' | 'ko';

/** `ko`, `ko-KR`, … → Korean; anything else (or nothing) → English. */
export function mailLocaleOf(locale: string | null | undefined): MailLocale {
  return /^ko(\b|[-_])/i.test(locale ?? '') ? 'ko' : 'en';
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * The console's pages a link in a message opens: they read `?token=`. Built here, once, so the
 * worker that sends the link and the console route that receives it cannot drift apart.
 */
export const MAIL_LINK_PATHS = { verifyEmail: '/verify-email', resetPassword: '/reset-password' } as const;

/** `<publicUrl>/verify-email?token=…` and `<publicUrl>/reset-password?token=…`. */
export function mailLink(publicUrl: string, page: keyof typeof MAIL_LINK_PATHS, token: string): string {
  const url = new URL(publicUrl);
  // a PUBLIC_URL with a path (behind a proxy) keeps it
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${MAIL_LINK_PATHS[page]}`;
  url.search = '';
  url.hash = '';
  url.searchParams.set('token', token);
  return url.toString();
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A moment both languages read the same way, whatever the reader's zone: `2026-05-04 13:07 UTC`. */
function formatMoment(at: Date | string): string {
  const date = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(date.getTime())) throw new TypeError('mail parameter "at" is not a date');
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * A message as paragraphs; a paragraph is text, or a link (its label and address). Plain text
 * and HTML are made from the same paragraphs, so they say the same thing.
 */
type Paragraph = string | { label: string; href: string };
interface Content {
  subject: string;
  paragraphs: Paragraph[];
}

/** Parameters a message shows, as strings (never HTML: escaped when the HTML is made). */
type Texts<T extends MailTemplateName> = { [K in keyof MailTemplates[T]]: string };

const CONTENT: { [T in MailTemplateName]: Record<MailLocale, (p: Texts<T>) => Content> } = {
  'email-verification': {
    en: (p) => ({
      subject: 'Verify your email address for site11',
      paragraphs: [
        `Hello ${p.name},`,
        'Please verify that this is your email address by opening the link below:',
        { label: 'Verify my email address', href: p.link },
        `The link works once and expires in ${p.expiresInHours} hours. If you did not create a site11 account, you can ignore this message.`,
      ],
    }),
    ko: (p) => ({
      subject: 'site11 이메일 주소를 확인하세요',
      paragraphs: [
        `${p.name}님, 안녕하세요.`,
        '아래 링크를 열어 본인의 이메일 주소임을 확인해 주세요.',
        { label: '이메일 주소 확인', href: p.link },
        `이 링크는 한 번만 사용할 수 있으며 ${p.expiresInHours}시간 후에 만료됩니다. site11 계정을 만든 적이 없다면 이 메일을 무시하세요.`,
      ],
    }),
  },
  'password-reset': {
    en: (p) => ({
      subject: 'Reset your site11 password',
      paragraphs: [
        `Hello ${p.name},`,
        'Someone asked to reset the password of your site11 account. To choose a new one, open the link below:',
        { label: 'Reset my password', href: p.link },
        `The link works once and expires in ${p.expiresInMinutes} minutes. If you did not ask for this, ignore this message: your password stays as it is.`,
      ],
    }),
    ko: (p) => ({
      subject: 'site11 비밀번호 재설정',
      paragraphs: [
        `${p.name}님, 안녕하세요.`,
        'site11 계정의 비밀번호 재설정이 요청되었습니다. 새 비밀번호를 정하려면 아래 링크를 여세요.',
        { label: '비밀번호 재설정', href: p.link },
        `이 링크는 한 번만 사용할 수 있으며 ${p.expiresInMinutes}분 후에 만료됩니다. 요청한 적이 없다면 이 메일을 무시하세요. 비밀번호는 바뀌지 않습니다.`,
      ],
    }),
  },
  'password-changed': {
    en: (p) => ({
      subject: 'Your site11 password was changed',
      paragraphs: [
        `Hello ${p.name},`,
        `The password of your site11 account was changed on ${p.at}, and your other sessions were signed out.`,
        'If this was not you, reset your password at once and contact your administrator.',
      ],
    }),
    ko: (p) => ({
      subject: 'site11 비밀번호가 변경되었습니다',
      paragraphs: [
        `${p.name}님, 안녕하세요.`,
        `site11 계정의 비밀번호가 ${p.at}에 변경되었으며, 다른 세션은 로그아웃되었습니다.`,
        '본인이 변경하지 않았다면 즉시 비밀번호를 재설정하고 관리자에게 알리세요.',
      ],
    }),
  },
  'mfa-changed': {
    en: (p) => ({
      subject: 'Two-factor sign-in on your site11 account changed',
      paragraphs: [
        `Hello ${p.name},`,
        p.enabled === 'true'
          ? `Two-factor sign-in (authenticator app) was turned on for your site11 account on ${p.at}.`
          : `Two-factor sign-in (authenticator app) was turned off for your site11 account on ${p.at}.`,
        'If this was not you, reset your password at once and contact your administrator.',
      ],
    }),
    ko: (p) => ({
      subject: 'site11 계정의 2단계 로그인이 변경되었습니다',
      paragraphs: [
        `${p.name}님, 안녕하세요.`,
        p.enabled === 'true'
          ? `site11 계정의 2단계 로그인(인증 앱)이 ${p.at}에 켜졌습니다.`
          : `site11 계정의 2단계 로그인(인증 앱)이 ${p.at}에 꺼졌습니다.`,
        '본인이 변경하지 않았다면 즉시 비밀번호를 재설정하고 관리자에게 알리세요.',
      ],
    }),
  },
};

function asText<T extends MailTemplateName>(params: MailTemplates[T]): Texts<T> {
  return Object.fromEntries(
    // a name with line breaks or control characters could pose as a line of the message
    Object.entries(params).map(([key, value]) => [key, key === 'at' ? formatMoment(value as Date | string) : String(value).replace(/[\s\p{Cc}]+/gu, ' ').trim()]),
  ) as Texts<T>;
}

function toText({ paragraphs }: Content): string {
  return `${paragraphs.map((p) => (typeof p === 'string' ? p : `${p.label}:\n${p.href}`)).join('\n\n')}\n\n— site11\n`;
}

function toHtml({ subject, paragraphs }: Content, locale: MailLocale): string {
  const body = paragraphs
    .map((p) =>
      typeof p === 'string'
        ? `<p>${escapeHtml(p)}</p>`
        : `<p><a href="${escapeHtml(p.href)}" style="display:inline-block;padding:10px 16px;background:#1c7ed6;color:#ffffff;text-decoration:none;border-radius:4px">${escapeHtml(p.label)}</a></p>\n<p style="font-size:12px;color:#555555;word-break:break-all">${escapeHtml(p.href)}</p>`,
    )
    .join('\n');
  return [
    '<!doctype html>',
    `<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family:sans-serif;font-size:15px;line-height:1.5;color:#222222">',
    body,
    '<p style="color:#555555">— site11</p>',
    '</body></html>',
    '',
  ].join('\n');
}

/** The subject, plain text and HTML of a message; every parameter is HTML-escaped in the HTML. */
export function renderMail<T extends MailTemplateName>(template: T, locale: MailLocale, params: MailTemplates[T]): RenderedMail {
  const content = (CONTENT[template][locale] as (p: Texts<T>) => Content)(asText<T>(params));
  return { subject: content.subject, text: toText(content), html: toHtml(content, locale) };
}
