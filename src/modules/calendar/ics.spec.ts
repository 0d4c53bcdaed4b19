import { escapeText, foldLine, renderCalendar, utcDateTime } from './ics';

describe('iCalendar writing', () => {
  it('escapes backslash, semicolon, comma and newlines in TEXT', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
  });

  it('writes UTC date-times without milliseconds', () => {
    expect(utcDateTime(new Date('2027-01-01T00:00:00.123Z'))).toBe('20270101T000000Z');
  });

  it('folds at 75 octets without splitting a UTF-8 character', () => {
    const line = `SUMMARY:${'é'.repeat(100)}`;
    const folded = foldLine(line).split('\r\n');
    expect(folded.length).toBeGreaterThan(2);
    for (const part of folded) expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75);
    expect(folded.slice(1).every((p) => p.startsWith(' '))).toBe(true);
    expect(folded.map((p, i) => (i ? p.slice(1) : p)).join('')).toBe(line);
    expect(foldLine('SHORT:x')).toBe('SHORT:x');
  });

  it('marks cancelled events and gives alarms only to live ones, with CRLF line ends', () => {
    const base = {
      uid: 'u@h',
      sequence: 2,
      stamp: new Date('2026-12-01T00:00:00Z'),
      start: new Date('2026-12-04T14:00:00Z'),
      summary: 'Due',
    };
    const ics = renderCalendar('Accord', [
      { ...base, cancelled: false, alarmMinutes: 30 },
      { ...base, uid: 'v@h', cancelled: true, alarmMinutes: 30 },
    ]);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.split('\r\n').every((l) => !l.includes('\n'))).toBe(true);
    expect(ics).toContain('STATUS:CANCELLED');
    expect(ics.match(/BEGIN:VALARM/g)).toHaveLength(1);
    expect(ics).toContain('TRIGGER:-PT30M');
    expect(ics).toContain('DTSTART:20261204T140000Z');
  });
});
