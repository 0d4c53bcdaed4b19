import { accessToken, refresh } from '../../api/client';

/**
 * Fetches a file the API only gives with the bearer token (so a plain link cannot) and hands it to
 * the browser as a download: a Blob object URL on a temporary link with a `download` attribute.
 * Answers the file name, or throws an Error with the problem's detail.
 */
export async function downloadWithToken(url: string, fallbackName: string): Promise<string> {
  const get = () =>
    fetch(url, { headers: { Accept: 'text/csv', Authorization: `Bearer ${accessToken() ?? ''}` }, credentials: 'same-origin' });
  let response = await get();
  if (response.status === 401 && (await refresh())) response = await get();
  if (!response.ok) {
    const problem = (await response.json().catch(() => undefined)) as { detail?: string } | undefined;
    throw new Error(problem?.detail ?? `The server answered ${response.status}.`);
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? fallbackName;
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
  return name;
}
