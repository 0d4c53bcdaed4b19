import { join } from 'path';
import { isMediaRoute, mediaRoot, mediaUrl } from './media-files';

describe('media files', () => {
  const project = join(__dirname, '..', '..', '..');

  it('finds assets/media beside package.json from src/ and from dist/src/', () => {
    expect(mediaRoot(__dirname)).toBe(join(project, 'assets', 'media'));
    expect(mediaRoot(join(project, 'dist', 'src', 'modules', 'media'))).toBe(join(project, 'assets', 'media'));
  });

  it('builds absolute media URLs from PUBLIC_URL, with or without a trailing slash', () => {
    expect(mediaUrl('https://accord.test', 'accord-demo.webm')).toBe('https://accord.test/media/accord-demo.webm');
    expect(mediaUrl('https://accord.test/', 'accord-demo.en.vtt')).toBe('https://accord.test/media/accord-demo.en.vtt');
  });

  it('tells media routes by the matched route, and unmatched requests are not media', () => {
    expect(isMediaRoute('/media/accord-demo.webm')).toBe(true);
    expect(isMediaRoute(undefined)).toBe(false);
    expect(isMediaRoute('/api/v1/media/x')).toBe(false);
  });
});
