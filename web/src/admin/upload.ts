import { accessToken, refresh } from '../api/client';

export interface UploadAnswer<T> {
  status: number;
  body: T | undefined;
  problem: { detail?: string; title?: string; errors?: Array<{ message: string }> } | undefined;
}

/**
 * Posts a file as multipart/form-data (field `file`) with XMLHttpRequest, which (unlike fetch)
 * reports upload progress. A 401 (the access token ran out) refreshes once and sends it again.
 */
export async function uploadFile<T>(url: string, file: File, onProgress: (fraction: number) => void): Promise<UploadAnswer<T>> {
  if (!accessToken()) await refresh();
  let answer = await send<T>(url, file, onProgress);
  if (answer.status === 401 && (await refresh())) answer = await send<T>(url, file, onProgress);
  return answer;
}

function send<T>(url: string, file: File, onProgress: (fraction: number) => void): Promise<UploadAnswer<T>> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    const token = accessToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.upload.onload = () => onProgress(1);
    xhr.onerror = () => reject(new Error('The file could not be sent. Check your connection and try again.'));
    xhr.onload = () => {
      let parsed: unknown;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        parsed = undefined;
      }
      const ok = xhr.status >= 200 && xhr.status < 300;
      resolve({
        status: xhr.status,
        body: ok ? (parsed as T) : undefined,
        problem: ok ? undefined : (parsed as UploadAnswer<T>['problem']),
      });
    };
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
