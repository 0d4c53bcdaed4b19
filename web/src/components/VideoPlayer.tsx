import { useEffect, useRef, useState } from 'react';
import type { Schemas } from '../api/client';
import type { Outbox } from '../outbox';

const REPORT_EVERY_MS = 5_000;

/** The played time ranges of a video, as the API's watchedSegments ([from, to] in seconds). */
export function playedSegments(video: HTMLVideoElement): Array<[number, number]> {
  const segments: Array<[number, number]> = [];
  for (let i = 0; i < video.played.length; i += 1) segments.push([video.played.start(i), video.played.end(i)]);
  return segments.filter(([from, to]) => to > from);
}

/**
 * An HTML5 player that reports what was actually played (not where the slider is): the played
 * ranges, the position and a percent, every few seconds while playing and on pause, end and page
 * hide. Reports go through the outbox, so nothing is lost offline and nothing counts twice.
 */
export function VideoPlayer({ item, state, outbox }: { item: Schemas['ItemDto']; state: Schemas['ItemStateDto']; outbox: Outbox }) {
  const video = useRef<HTMLVideoElement>(null);
  const last = useRef('');
  const material = item.material as Schemas['MaterialDto'] & { captionsUrl?: string | null };

  useEffect(() => {
    const element = video.current;
    if (!element) return;
    const report = () => {
      const segments = playedSegments(element);
      if (!segments.length || !Number.isFinite(element.duration)) return;
      const position = Math.round(element.currentTime * 10) / 10;
      const covered = segments.reduce((sum, [from, to]) => sum + (to - from), 0);
      const percent = Math.min(100, Math.round((covered / element.duration) * 1000) / 10);
      const fingerprint = JSON.stringify([segments.map(([a, b]) => [Math.round(a), Math.round(b)]), Math.round(position)]);
      if (fingerprint === last.current) return; // nothing new to say
      last.current = fingerprint;
      outbox.add({ itemId: item.id, type: 'progressed', positionSeconds: position, percent, watchedSegments: segments });
    };
    const timer = setInterval(() => !element.paused && report(), REPORT_EVERY_MS);
    const hide = () => {
      report();
      void outbox.flush({ keepalive: true });
    };
    const onVisibility = () => document.visibilityState === 'hidden' && hide();
    element.addEventListener('pause', report);
    element.addEventListener('ended', report);
    window.addEventListener('pagehide', hide);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      clearInterval(timer);
      report();
      element.removeEventListener('pause', report);
      element.removeEventListener('ended', report);
      window.removeEventListener('pagehide', hide);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [item.id, outbox]);

  // Where the last visit stopped (read once: later reports move the saved position, not this page's start).
  const [resumeAt] = useState(() => (state.state !== 'completed' ? (state.positionSeconds ?? 0) : 0));
  return (
    <figure className="player">
      <video
        ref={video}
        controls
        preload="metadata"
        playsInline
        src={material.url}
        aria-label={`Video: ${material.title}`}
        onLoadedMetadata={(e) => {
          const v = e.currentTarget;
          if (resumeAt > 0 && resumeAt < v.duration - 2) v.currentTime = resumeAt;
        }}
      >
        {material.captionsUrl && <track kind="captions" src={material.captionsUrl} srcLang="en" label="English" default />}
        Your browser cannot play this video. <a href={material.url}>Download it</a>.
      </video>
      {resumeAt > 0 && <figcaption>Resuming where you left off.</figcaption>}
    </figure>
  );
}
