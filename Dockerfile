# The Casusregie worker, for docker-compose.yml and any container platform.
# Multi-stage: build with the dev dependencies, run on a slim image as the non-root user `node`.
# Configuration only through the environment (docs/operations.md); no secrets in the image.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The Temporal SDK ships its native bridge prebuilt: no install scripts needed.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY domain ./domain
COPY workflows ./workflows
COPY activities ./activities
COPY worker ./worker
COPY client ./client
COPY web ./web
COPY scripts ./scripts
# Compiles to dist/ and bundles the workflow code once (dist/workflow-bundle.js), so the worker
# does not bundle at every start.
RUN npm run build

# The runtime holds production dependencies only: no MailDev, no Temporal test SDK, no tsx, no
# PGlite (they serve `npm start` and the tests). The compiled worker imports none of them
# (checked in test/ops/compose.test.ts).
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --chown=root:root package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build --chown=root:root /app/dist ./dist
# Read at run time from the project root: the SQL migrations and the example contacts file.
COPY --chown=root:root activities/db/migrations ./activities/db/migrations
COPY --chown=root:root config/contacts.yaml ./config/contacts.yaml
COPY --chown=root:root bin ./bin
USER node
# 8234 codec endpoint (Web UI), 8235 /health, 9464 Prometheus /metrics; 8236 the web front
# (the same image with `node dist/web/main.js`, docker-compose.yml service web)
EXPOSE 8234 8235 8236 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HEALTH_PORT||8235)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM (docker stop) drains the worker: give it longer than SHUTDOWN_GRACE_TIME (stop_grace_period).
CMD ["node", "dist/worker/main.js"]
