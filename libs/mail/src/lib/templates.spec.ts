import { MAIL_TEMPLATE_NAMES, mailLink, mailLocaleOf, type MailTemplateName, type MailTemplates, renderMail } from './templates';

const PARAMS: { [T in MailTemplateName]: MailTemplates[T] } = {
  'email-verification': { name: 'Ada', link: 'https://console.example/verify-email?token=tok-1', expiresInHours: 24 },
  'password-reset': { name: 'Ada', link: 'https://console.example/reset-password?token=tok-2', expiresInMinutes: 30 },
  'password-changed': { name: 'Ada', at: new Date('2026-05-04T13:07:45Z') },
  'mfa-changed': { name: 'Ada', at: '2026-05-04T13:07:45Z', enabled: true },
};

describe('mail templates', () => {
  it.each(MAIL_TEMPLATE_NAMES)('renders %s with a subject, a plain text and an HTML body in English and in Korean', (template) => {
    const en = renderMail(template, 'en', PARAMS[template]);
    const ko = renderMail(template, 'ko', PARAMS[template]);
    for (const mail of [en, ko]) {
      expect(mail.subject).not.toBe('');
      expect(mail.text).toContain('Ada');
      expect(mail.html).toContain('Ada');
    }
    expect(en.subject).toMatch(/^[\x20-\x7e]+$/);
    expect(ko.subject).toMatch(/[\uac00-\ud7a3]/);
    expect(ko.text).toMatch(/[\uac00-\ud7a3]/);
    expect(ko.html).toContain('<html lang="ko">');
    expect(en.html).toContain('<html lang="en">');
  });

  it('puts the link and its lifetime in both bodies of the messages that carry a token', () => {
    const verification = renderMail('email-verification', 'en', PARAMS['email-verification']);
    expect(verification.text).toContain('https://console.example/verify-email?token=tok-1');
    expect(verification.html).toContain('href="https://console.example/verify-email?token=tok-1"');
    expect(verification.text).toContain('24 hours');
    const reset = renderMail('password-reset', 'ko', PARAMS['password-reset']);
    expect(reset.text).toContain('https://console.example/reset-password?token=tok-2');
    expect(reset.text).toContain('30분');
  });

  it('shows the moment of a change in UTC, the same in both languages', () => {
    expect(renderMail('password-changed', 'en', PARAMS['password-changed']).text).toContain('2026-05-04 13:07 UTC');
    expect(renderMail('mfa-changed', 'ko', PARAMS['mfa-changed']).text).toContain('2026-05-04 13:07 UTC');
    expect(renderMail('mfa-changed', 'en', PARAMS['mfa-changed']).text).toContain('was turned on');
    expect(renderMail('mfa-changed', 'en', { ...PARAMS['mfa-changed'], enabled: false }).text).toContain('was turned off');
  });

  it('escapes every parameter in the HTML, links included, and keeps the plain text as written', () => {
    const name = '<script>alert("x")</script> & \'co\'';
    const link = 'https://console.example/reset-password?token=a"><img src=x onerror=alert(1)>&b=1';
    const mail = renderMail('password-reset', 'en', { name, link, expiresInMinutes: 30 });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;');
    expect(mail.html).toContain('href="https://console.example/reset-password?token=a&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;b=1"');
    expect(mail.text).toContain(name);
  });

  it('keeps a name with line breaks on one line, so it cannot pose as lines of the message', () => {
    const mail = renderMail('password-changed', 'en', { name: 'Eve\r\n\r\nClick https://evil.example\u0007', at: new Date(0) });
    expect(mail.text.split('\n')[0]).toBe('Hello Eve Click https://evil.example,');
  });

  it('chooses Korean for every ko locale and English for anything else', () => {
    expect(['ko', 'ko-KR', 'KO_kr'].map(mailLocaleOf)).toEqual(['ko', 'ko', 'ko']);
    expect(['en', 'en-GB', 'kok', 'de', '', null, undefined].map(mailLocaleOf)).toEqual(['en', 'en', 'en', 'en', 'en', 'en', 'en']);
  });
});

describe('mailLink', () => {
  it('builds the console routes that read ?token=, on the public URL', () => {
    expect(mailLink('http://localhost:3000', 'verifyEmail', 'abc')).toBe('http://localhost:3000/verify-email?token=abc');
    expect(mailLink('https://site11.example', 'resetPassword', 'abc')).toBe('https://site11.example/reset-password?token=abc');
  });

  it('keeps the path of a public URL behind a proxy and encodes the token', () => {
    expect(mailLink('https://example.com/site11', 'resetPassword', 'a+b/c=&d')).toBe('https://example.com/site11/reset-password?token=a%2Bb%2Fc%3D%26d');
  });
});
