#!/usr/bin/env sh
# Regenerates the committed demo clip (assets/media/accord-demo.webm). Not run by tests or CI:
# CI machines have no ffmpeg, so the output is committed. Needs ffmpeg with libvpx and libvorbis.
#
# 60 s of ffmpeg's testsrc2 pattern (colour bars and a running frame counter) at 426x240, 15 fps,
# VP8 at 40 kbit/s with a 440 Hz Vorbis tone: a few hundred KB that any WebM-capable browser
# (Chromium, Firefox) plays. Captions are hand-written in assets/media/accord-demo.en.vtt.
set -eu
cd "$(dirname "$0")/.."
ffmpeg -y -hide_banner -loglevel error \
  -f lavfi -i testsrc2=size=426x240:rate=15 \
  -f lavfi -i sine=frequency=440:sample_rate=22050 \
  -t 60 \
  -c:v libvpx -b:v 40k -g 150 \
  -c:a libvorbis -q:a 0 -ac 1 \
  -shortest -fflags +bitexact -map_metadata -1 \
  assets/media/accord-demo.webm
ls -l assets/media/accord-demo.webm
