import { fillLinks, LINK_MARKERS, usesLink } from './links';
import { render } from './templates';

describe('links filled in at send time', () => {
  const composed = render('welcome', {
    name: 'Ana',
    courseTitle: 'Peace',
    courseUrl: 'https://a.test/c',
    unsubscribeUrl: LINK_MARKERS.unsubscribe,
    setPasswordUrl: LINK_MARKERS.setPassword,
  });

  it('stores markers, not links', () => {
    expect(usesLink(composed, 'setPassword')).toBe(true);
    expect(composed.html).toContain(`href="${LINK_MARKERS.unsubscribe}"`);
  });

  it('puts the live links in, escaped for the HTML part', () => {
    const filled = fillLinks(composed, {
      unsubscribe: 'https://a.test/unsubscribe?token=u.1',
      setPassword: 'https://a.test/set-password?token=p.2',
    });
    expect(filled.text).toContain('First, choose a password: https://a.test/set-password?token=p.2');
    expect(filled.text).toContain('Stop these emails: https://a.test/unsubscribe?token=u.1');
    expect(filled.html).toContain('href="https://a.test/unsubscribe?token&#x3D;u.1"');
    expect(`${filled.text}${filled.html}`).not.toContain('urn:accord-link');
  });

  it('drops the line and paragraph of a link given as null', () => {
    const filled = fillLinks(composed, { unsubscribe: 'https://a.test/u', setPassword: null });
    expect(filled.text).not.toContain('choose a password');
    expect(filled.html).not.toContain('choose a password');
    expect(filled.html).toContain('<p><a href="https://a.test/c">Start the course</a></p>');
    expect(filled.text).toContain('Start here: https://a.test/c');
  });
});

describe('password reset email', () => {
  it('names the link, its expiry and what ignoring it means, in both parts', () => {
    const mail = render('password_reset', {
      name: 'Ana',
      link: 'https://a.test/set-password?token=t.1&reset=1',
      expiresAt: 'Fri, 27 Nov 2026 01:00:00 GMT',
    });
    expect(mail.subject).toBe('Reset your Accord password');
    expect(mail.text).toContain('https://a.test/set-password?token=t.1&reset=1');
    expect(mail.html).toContain('href="https://a.test/set-password?token&#x3D;t.1&amp;reset&#x3D;1"');
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('expires on Fri, 27 Nov 2026 01:00:00 GMT');
      expect(part).toContain('If you did not ask for this');
    }
  });
});
