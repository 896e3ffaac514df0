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
COPY runtime ./runtime
COPY workflows ./workflows
COPY activities ./activities
COPY worker ./worker
COPY client ./client
COPY web ./web
COPY scripts ./scripts
# Compiles to dist/ and bundles the workflow code once (dist/workflow-bundle.js), so the worker
# does not bundle at every start.
RUN npm run build

# The Temporal server for docker-compose.yml (`target: temporal-server`): the same version as the
# cluster harness (package.json "config".temporalServerVersion, kept in step by
# test/ops/compose.test.ts), built from the same Go module, with the same configuration
# (config/temporal/). Beside it the SQL tool with the PostgreSQL schemas, and the Temporal CLI for
# the namespace and the health check.
FROM golang:1.25-bookworm AS temporal-build
ARG TEMPORAL_SERVER_VERSION=v1.29.1
ARG TEMPORAL_CLI_GO_VERSION=v1.5.1
RUN GOBIN=/out GOFLAGS=-mod=mod go install \
      go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION} \
      go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION} \
      github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_GO_VERSION} \
 && cp -r "$(go env GOMODCACHE)/go.temporal.io/server@${TEMPORAL_SERVER_VERSION}/schema/postgresql/v12" /out/schema

FROM debian:bookworm-slim AS temporal-server
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=temporal-build /out/server /usr/local/bin/temporal-server
COPY --from=temporal-build /out/sql /usr/local/bin/temporal-sql-tool
COPY --from=temporal-build /out/temporal /usr/local/bin/temporal
COPY --from=temporal-build /out/schema /etc/casusregie/schema/postgresql/v12
COPY config/temporal /etc/casusregie/config/temporal
WORKDIR /etc/casusregie
ENV DYNAMIC_CONFIG_FILE_PATH=/etc/casusregie/config/temporal/dynamicconfig/casusregie.yaml
USER nobody
# Each service listens on, and tells the ring, the container's own address.
ENTRYPOINT ["/bin/sh", "-c", "export BIND_ON_IP=\"${BIND_ON_IP:-$(hostname -i)}\" TEMPORAL_BROADCAST_ADDRESS=\"${TEMPORAL_BROADCAST_ADDRESS:-$(hostname -i)}\"; exec temporal-server --root /etc/casusregie --config config/temporal --env casusregie start \"$@\"", "temporal-server"]
CMD ["--service", "frontend"]

# The runtime holds production dependencies only: no MailDev, no Temporal test SDK, no tsx, no
# PGlite (they serve `npm start` and the tests). The compiled worker imports none of them
# (checked in test/ops/compose.test.ts).
FROM node:20-bookworm-slim
ENV NODE_ENV=production
# jemalloc: bin/casus-worker runs the worker on it (it gives memory back after a burst of work).
RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2 && rm -rf /var/lib/apt/lists/*
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
# bin/casus-worker runs dist/worker/main.js with the worker's measured memory settings.
CMD ["bin/casus-worker"]
