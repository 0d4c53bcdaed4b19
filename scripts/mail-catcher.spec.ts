import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { createTransport } from 'nodemailer';
import { tmpdir } from 'os';
import { join } from 'path';

interface Catcher {
  smtpUrl: string;
  webUrl: string | null;
  messages: Array<{ id: number; subject: string }>;
  waitFor(predicate: (m: unknown[]) => boolean, timeoutMs?: number): Promise<unknown>;
  clear(): void;
  close(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startMailCatcher } = require('./lib/mail-catcher') as {
  startMailCatcher(options: { dir?: string; limit?: number; web?: boolean }): Promise<Catcher>;
};

const send = (catcher: Catcher, subject: string) =>
  createTransport({ url: catcher.smtpUrl } as never).sendMail({ from: 'a@test.local', to: 'b@test.local', subject, text: subject });

describe('mail catcher (npm start)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'accord-mail-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps its mail across a restart in dir/messages.json, capped at the limit, with ids that keep counting', async () => {
    const first = await startMailCatcher({ dir, limit: 3, web: false });
    for (const subject of ['one', 'two']) await send(first, subject);
    await first.close();

    const second = await startMailCatcher({ dir, limit: 3, web: false });
    expect(second.messages.map((m) => m.subject)).toEqual(['one', 'two']);
    for (const subject of ['three', 'four']) await send(second, subject);
    expect(second.messages.map((m) => [m.id, m.subject])).toEqual([
      [2, 'two'],
      [3, 'three'],
      [4, 'four'],
    ]);
    await second.close();

    const third = await startMailCatcher({ dir, limit: 3, web: false });
    expect(third.messages.map((m) => m.subject)).toEqual(['two', 'three', 'four']);
    third.clear();
    await third.close();
    expect(JSON.parse(readFileSync(join(dir, 'messages.json'), 'utf8'))).toEqual([]);
  });

  it('starts empty on a broken file, and overwrites it with the next message', async () => {
    writeFileSync(join(dir, 'messages.json'), '{not json');
    const catcher = await startMailCatcher({ dir, web: false });
    expect(catcher.messages).toEqual([]);
    await send(catcher, 'fresh');
    await catcher.close();
    expect(JSON.parse(readFileSync(join(dir, 'messages.json'), 'utf8')).map((m: { subject: string }) => m.subject)).toEqual(['fresh']);
  });
});
