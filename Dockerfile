# syntax=docker/dockerfile:1
# The service as one image: built and pruned in a first stage, run as the unprivileged `node` user.
#   docker build -t accreditation-lifecycle-service .
#   docker run -p 3000:3000 -v als-data:/data accreditation-lifecycle-service   (its log names the first admin's set-up link)
# On EventStoreDB/KurrentDB add -e EVENT_STORE=esdb -e EVENTSTORE_CONNECTION_STRING=esdb://host:2113?tls=false
# (or see docker-compose.yml). DATA_DIR (/data) keeps the embedded store or, on ESDB, the read models,
# the uploaded documents and the generated token secret.

FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev \
 && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
# Owned by root, read-only to the service; only the data folder is its own.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node as PID 1 receives SIGTERM itself: the service closes its subscriptions and stores on shutdown.
CMD ["node", "dist/main.js"]
