// @ts-check
/**
 * What a local mail catcher (maildev 3, `startMailCatcher` in platform.cjs) caught, read through
 * its REST API (`GET /api/email`, `DELETE /api/email/all`): for the e2e suites, which sign up,
 * reset passwords and follow the links a real user would get.
 */

/**
 * @typedef {{ id: string, subject: string, text: string, html: string, from: string, to: string[], links: string[], receivedAt: number }} MailMessage
 */

/** Every http(s) URL of a text, and every `href` of an HTML body (entities of `&` undone), once each. */
function linksOf(text, html) {
  const found = [...(text.match(/https?:\/\/[^\s<>"')\]]+/g) ?? [])];
  for (const match of html.matchAll(/href\s*=\s*"([^"]*)"/gi)) found.push(match[1].replace(/&amp;/g, '&').replace(/&#x2F;|&#47;/gi, '/'));
  return [...new Set(found)];
}

/** @param {{ address?: string }[] | undefined} addresses */
const addressesOf = (addresses) => (addresses ?? []).map((a) => String(a.address ?? '').toLowerCase());

/**
 * maildev's `time` is the message's Date header, to the second: two messages of one second would
 * tie. Its API lists messages in the order they arrived, so each gets at least 1 ms more than the
 * one before: `receivedAt` orders messages as they arrived, whatever the clock said.
 * @param {any[]} emails
 * @returns {MailMessage[]}
 */
function toMessages(emails) {
  let previous = -Infinity;
  return emails.map((email) => {
    const text = String(email.text ?? '');
    const html = String(email.html ?? '');
    previous = Math.max(new Date(email.time).getTime() || 0, previous + 1);
    return {
      id: String(email.id),
      subject: String(email.subject ?? ''),
      text,
      html,
      from: addressesOf(email.from)[0] ?? '',
      to: addressesOf(email.to),
      links: linksOf(text, html),
      receivedAt: previous,
    };
  });
}

class Mailbox {
  /** @param {string} webUrl the catcher's web UI and API, e.g. `http://127.0.0.1:1080` */
  constructor(webUrl) {
    this.webUrl = webUrl.replace(/\/$/, '');
  }

  /**
   * Messages caught so far, in the order they arrived; only those to `to` when given (any
   * recipient, case-insensitive).
   * @param {string} [to]
   * @returns {Promise<MailMessage[]>}
   */
  async list(to) {
    // without `sort`, the API answers in the order messages arrived
    const response = await fetch(`${this.webUrl}/api/email`);
    if (!response.ok) throw new Error(`mail catcher: GET /api/email answered ${response.status}`);
    const all = toMessages(/** @type {any[]} */ (await response.json()));
    return to === undefined ? all : all.filter((m) => m.to.includes(to.toLowerCase()));
  }

  /**
   * The newest message to `to` (whose subject matches `subject`, and that arrived after the
   * message whose `receivedAt` is `after`, when given), waiting until one arrives; throws after
   * `timeoutMs` (default 15 s) naming what it got instead. `after` compares with `receivedAt` of
   * messages read before, not with a clock: the catcher knows arrival times to the second only.
   * @param {string} to
   * @param {{ subject?: RegExp, after?: number, timeoutMs?: number }} [options]
   * @returns {Promise<MailMessage>}
   */
  async waitFor(to, { subject, after = -Infinity, timeoutMs = 15_000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = (await this.list(to)).filter((m) => m.receivedAt > after && (!subject || subject.test(m.subject)));
      if (matching.length > 0) return matching[matching.length - 1];
      if (Date.now() > deadline) {
        const got = (await this.list(to)).map((m) => JSON.stringify(m.subject));
        throw new Error(`no message to ${to}${subject ? ` with a subject matching ${subject}` : ''} within ${timeoutMs} ms (got: ${got.join(', ') || 'none'})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Deletes every message caught so far. */
  async clear() {
    const response = await fetch(`${this.webUrl}/api/email/all`, { method: 'DELETE' });
    if (!response.ok) throw new Error(`mail catcher: DELETE /api/email/all answered ${response.status}`);
  }
}

module.exports = { Mailbox };
