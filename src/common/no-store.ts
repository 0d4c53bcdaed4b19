import { applyDecorators, Header } from '@nestjs/common';

/** For answers that carry tokens or secrets: no browser, proxy or CDN may keep a copy. */
export const NoStore = () => applyDecorators(Header('Cache-Control', 'no-store'), Header('Pragma', 'no-cache'));
