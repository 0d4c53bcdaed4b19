import Handlebars from 'handlebars';

/** Email templates: text and HTML parts, rendered with Handlebars (HTML escapes by default). */
const source = {
  invitation: {
    subject: 'You are invited to Accord',
    text: `Hello {{name}},

An account has been created for you on Accord, where your negotiation courses live.
Choose a password to sign in:

{{link}}

The link works once and expires on {{expiresAt}}.
If you did not expect this email, you can ignore it.`,
    html: `<!doctype html><html><body style="font-family:sans-serif">
<p>Hello {{name}},</p>
<p>An account has been created for you on Accord, where your negotiation courses live.</p>
<p><a href="{{link}}">Choose a password to sign in</a></p>
<p style="color:#666">The link works once and expires on {{expiresAt}}. If you did not expect this email, you can ignore it.</p>
</body></html>`,
  },
} as const;

export type TemplateName = keyof typeof source;

const compiled = Object.fromEntries(
  Object.entries(source).map(([name, t]) => [
    name,
    { subject: Handlebars.compile(t.subject, { noEscape: true }), text: Handlebars.compile(t.text, { noEscape: true }), html: Handlebars.compile(t.html) },
  ]),
) as Record<TemplateName, { subject: HandlebarsTemplateDelegate; text: HandlebarsTemplateDelegate; html: HandlebarsTemplateDelegate }>;

export function render(name: TemplateName, data: Record<string, unknown>): { subject: string; text: string; html: string } {
  const t = compiled[name];
  return { subject: t.subject(data), text: t.text(data), html: t.html(data) };
}
