import Handlebars from 'handlebars';

/** Email templates: text and HTML parts, rendered with Handlebars (HTML escapes by default). */
const footer = {
  text: `
--
Accord · {{courseTitle}}
Stop these emails: {{unsubscribeUrl}}`,
  html: `<hr><p style="color:#666;font-size:12px">Accord · {{courseTitle}} · <a href="{{unsubscribeUrl}}">Stop these emails</a></p></body></html>`,
};
const open = '<!doctype html><html><body style="font-family:sans-serif;max-width:40em">';

const source = {
  invitation: {
    subject: 'You are invited to Accord',
    text: `Hello {{name}},

An account has been created for you on Accord, where your negotiation courses live.
Choose a password to sign in:

{{link}}

The link works once and expires on {{expiresAt}}.
If you did not expect this email, you can ignore it.`,
    html: `${open}
<p>Hello {{name}},</p>
<p>An account has been created for you on Accord, where your negotiation courses live.</p>
<p><a href="{{link}}">Choose a password to sign in</a></p>
<p style="color:#666">The link works once and expires on {{expiresAt}}. If you did not expect this email, you can ignore it.</p>
</body></html>`,
  },
  password_reset: {
    subject: 'Reset your Accord password',
    text: `Hello {{name}},

Someone, probably you, asked to reset the password of your Accord account.
Choose a new password here:

{{link}}

The link works once and expires on {{expiresAt}}. Choosing a new password signs you out everywhere else.
If you did not ask for this, ignore this email: your password stays as it is.`,
    html: `${open}
<p>Hello {{name}},</p>
<p>Someone, probably you, asked to reset the password of your Accord account.</p>
<p><a href="{{link}}">Choose a new password</a></p>
<p style="color:#666">The link works once and expires on {{expiresAt}}. Choosing a new password signs you out everywhere else. If you did not ask for this, ignore this email: your password stays as it is.</p>
</body></html>`,
  },
  welcome: {
    subject: 'Welcome to {{courseTitle}}',
    text: `Hello {{name}},

You are enrolled in "{{courseTitle}}" on Accord.
{{#if setPasswordUrl}}
First, choose a password: {{setPasswordUrl}}
{{/if}}
Start here: {{courseUrl}}
${footer.text}`,
    html: `${open}
<p>Hello {{name}},</p>
<p>You are enrolled in <b>{{courseTitle}}</b> on Accord.</p>
{{#if setPasswordUrl}}<p><a href="{{setPasswordUrl}}">First, choose a password</a></p>{{/if}}
<p><a href="{{courseUrl}}">Start the course</a></p>
${footer.html}`,
  },
  assignment: {
    subject: 'New assignment: {{moduleTitle}} ({{courseTitle}}), due {{dueAtShort}}',
    text: `Hello {{name}},

Your instructor assigned "{{moduleTitle}}" in "{{courseTitle}}".
It is due {{dueAt}}.

Open it: {{moduleUrl}}
${footer.text}`,
    html: `${open}
<p>Hello {{name}},</p>
<p>Your instructor assigned <b>{{moduleTitle}}</b> in <b>{{courseTitle}}</b>.</p>
<p>It is due <b>{{dueAt}}</b>.</p>
<p><a href="{{moduleUrl}}">Open the module</a></p>
${footer.html}`,
  },
  due_soon: {
    subject: 'Due soon: {{moduleTitle}} ({{courseTitle}}), {{dueAtShort}}',
    text: `Hello {{name}},

"{{moduleTitle}}" in "{{courseTitle}}" is due {{dueAt}}, and it is not finished yet.

Continue: {{moduleUrl}}
${footer.text}`,
    html: `${open}
<p>Hello {{name}},</p>
<p><b>{{moduleTitle}}</b> in <b>{{courseTitle}}</b> is due <b>{{dueAt}}</b>, and it is not finished yet.</p>
<p><a href="{{moduleUrl}}">Continue</a></p>
${footer.html}`,
  },
  overdue: {
    subject: 'Overdue: {{moduleTitle}} ({{courseTitle}})',
    text: `Hello {{name}},

"{{moduleTitle}}" in "{{courseTitle}}" was due {{dueAt}} and is not finished yet.
It is not too late: {{moduleUrl}}
${footer.text}`,
    html: `${open}
<p>Hello {{name}},</p>
<p><b>{{moduleTitle}}</b> in <b>{{courseTitle}}</b> was due <b>{{dueAt}}</b> and is not finished yet.</p>
<p><a href="{{moduleUrl}}">It is not too late</a></p>
${footer.html}`,
  },
  inactivity: {
    subject: 'We miss you in {{courseTitle}}',
    text: `Hello {{name}},

You have not been active in "{{courseTitle}}" for {{days}} days, and there is work waiting for you.

Pick up where you left off: {{courseUrl}}
${footer.text}`,
    html: `${open}
<p>Hello {{name}},</p>
<p>You have not been active in <b>{{courseTitle}}</b> for {{days}} days, and there is work waiting for you.</p>
<p><a href="{{courseUrl}}">Pick up where you left off</a></p>
${footer.html}`,
  },
  at_risk_alert: {
    subject: '{{total}} {{#if one}}student needs{{else}}students need{{/if}} attention in your Accord courses',
    text: `Hello {{name}},

These students in your courses may need a word from you:
{{#each courses}}

{{title}}
Progress report: {{reportUrl}}
{{#each students}}
- {{name}} <{{email}}>{{#if cohort}} [{{cohort}}]{{/if}}: {{reasons}}
  {{url}}
{{/each}}
{{/each}}

--
Accord · at-risk student alerts ({{schedule}})
Change them: {{preferencesUrl}}
Stop these emails: {{unsubscribeUrl}}`,
    html: `${open}
<p>Hello {{name}},</p>
<p>These students in your courses may need a word from you:</p>
{{#each courses}}
<h2 style="font-size:1.1em"><a href="{{reportUrl}}">{{title}}</a></h2>
<ul>
{{#each students}}
<li><a href="{{url}}">{{name}}</a> &lt;{{email}}&gt;{{#if cohort}} [{{cohort}}]{{/if}}: {{reasons}}</li>
{{/each}}
</ul>
{{/each}}
<hr><p style="color:#666;font-size:12px">Accord · at-risk student alerts ({{schedule}}) · <a href="{{preferencesUrl}}">Change them</a> · <a href="{{unsubscribeUrl}}">Stop these emails</a></p></body></html>`,
  },
  digest: {
    subject: 'Your Accord digest: {{count}} {{#if one}}item{{else}}items{{/if}}',
    text: `Hello {{name}},

Here is what is waiting for you on Accord:
{{#each items}}

- {{label}}: "{{moduleTitle}}" in "{{courseTitle}}"{{#if dueAt}}, due {{dueAt}}{{/if}}
  {{url}}
{{/each}}

--
Accord · your {{frequency}} digest
Stop the digest (each email then comes on its own): {{unsubscribeUrl}}`,
    html: `${open}
<p>Hello {{name}},</p>
<p>Here is what is waiting for you on Accord:</p>
<ul>
{{#each items}}<li><b>{{label}}</b>: <a href="{{url}}">{{moduleTitle}}</a> in <b>{{courseTitle}}</b>{{#if dueAt}}, due <b>{{dueAt}}</b>{{/if}}</li>
{{/each}}
</ul>
<hr><p style="color:#666;font-size:12px">Accord · your {{frequency}} digest · <a href="{{unsubscribeUrl}}">Stop the digest</a> (each email then comes on its own)</p></body></html>`,
  },
} as const;

export type TemplateName = keyof typeof source;
export const TEMPLATE_NAMES = Object.keys(source) as TemplateName[];

const compiled = Object.fromEntries(
  Object.entries(source).map(([name, t]) => [
    name,
    {
      subject: Handlebars.compile(t.subject, { noEscape: true }),
      text: Handlebars.compile(t.text, { noEscape: true }),
      html: Handlebars.compile(t.html),
    },
  ]),
) as Record<TemplateName, { subject: HandlebarsTemplateDelegate; text: HandlebarsTemplateDelegate; html: HandlebarsTemplateDelegate }>;

export function render(name: TemplateName, data: Record<string, unknown>): { subject: string; text: string; html: string } {
  const t = compiled[name];
  return { subject: t.subject(data), text: t.text(data), html: t.html(data) };
}
