import Handlebars from 'handlebars';

/**
 * Links that carry a working secret (unsubscribe, set-password) are never stored: a composed
 * email keeps these markers, and the sender puts the live links in at send time. Everything else
 * in the stored message is exactly what goes out.
 */
export const LINK_MARKERS = {
  unsubscribe: 'urn:accord-link:unsubscribe',
  setPassword: 'urn:accord-link:set-password',
} as const;

export type LinkName = keyof typeof LINK_MARKERS;
export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether the stored message needs this link. */
export const usesLink = (mail: ComposedMail, name: LinkName) =>
  mail.text.includes(LINK_MARKERS[name]) || mail.html.includes(LINK_MARKERS[name]);

/**
 * The message with live links in place of the markers. A link given as null is dropped with its
 * line (text) or paragraph (HTML), e.g. the set-password line once the user has a password.
 */
export function fillLinks(mail: ComposedMail, links: Partial<Record<LinkName, string | null>>): ComposedMail {
  let { text, html } = mail;
  for (const [name, url] of Object.entries(links) as Array<[LinkName, string | null | undefined]>) {
    if (url === undefined) continue;
    const marker = escape(LINK_MARKERS[name]);
    if (url === null) {
      text = text.replace(new RegExp(`^[^\\n]*${marker}[^\\n]*\\n?`, 'gm'), '');
      html = html.replace(new RegExp(`<p>(?:(?!</p>)[^])*${marker}(?:(?!</p>)[^])*</p>\\n?`, 'g'), '');
      continue;
    }
    text = text.split(LINK_MARKERS[name]).join(url);
    // The HTML part was escaped by Handlebars; the link is escaped the same way.
    html = html.split(LINK_MARKERS[name]).join(Handlebars.Utils.escapeExpression(url));
  }
  return { subject: mail.subject, text, html };
}
