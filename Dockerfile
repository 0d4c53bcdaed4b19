# syntax=docker/dockerfile:1
# Build: compile TypeScript with all dependencies, then keep only production ones.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev

# Run: the same image serves the API (default), the worker and the one-shot migration.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# The demo clip and captions served under /media/ (found beside package.json).
COPY --chown=node:node assets ./assets
USER node
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
