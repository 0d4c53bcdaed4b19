import { useState } from 'react';
import { problemText } from '../api/client';

export type Message = { tone: 'success' | 'error'; text: string } | undefined;
export type Write = (call: Promise<{ error?: unknown; response: Response }>, done: string) => Promise<boolean>;

/**
 * For staff pages that change things: `write` runs an API call, shows its problem in words or
 * `done`, and bumps `round` so the page reloads what it shows.
 */
export function useWriter(): { round: number; message: Message; write: Write } {
  const [round, setRound] = useState(0);
  const [message, setMessage] = useState<Message>();
  const write: Write = async (call, done) => {
    const { error, response } = await call;
    if (!response.ok) {
      setMessage({ tone: 'error', text: problemText(error, 'That did not work.') });
      return false;
    }
    setMessage({ tone: 'success', text: done });
    setRound((n) => n + 1);
    return true;
  };
  return { round, message, write };
}
