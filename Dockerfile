# syntax=docker/dockerfile:1
# One image for every Cloud Lab service; the Deployment picks the service by its argument:
#   gateway:  (default)                      subgraph: subgraphs/<name>/src/server.ts
# Build:  docker build -t cloudlab:$(git rev-parse --short HEAD) .
# The services run their TypeScript through tsx's loader (no compile step in this repo), so the
# runtime image holds the production dependencies plus tsx alone: no compilers, test tools or dev
# dependencies. Pin the base by digest in your registry mirror (NODE_IMAGE=node:20.20.2-bookworm-slim@sha256:…).
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV CI=true PNPM_HOME=/pnpm PATH=/pnpm:$PATH
RUN npm install --global --no-fund --no-audit pnpm@10.34.9
# Only the lockfile first: the package store layer is rebuilt only when dependencies change.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch --prod
COPY . .
# The gateway and the subgraphs with their production dependencies only (not ops/, whose embedded
# PostgreSQL is for development, nor test/ or the codegen tools).
RUN pnpm install --offline --frozen-lockfile --prod --ignore-scripts \
      --filter "@cloudlab/gateway..." --filter "./subgraphs/*..."

FROM ${NODE_IMAGE} AS tsx
RUN npm install --prefix /opt/tsx --omit=dev --no-fund --no-audit tsx@4.23.15

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 METRICS_HOST=0.0.0.0
WORKDIR /app
COPY --from=tsx /opt/tsx /opt/tsx
COPY --from=deps --chown=root:root /app /app
# The `node` user of the base image (uid 1000); the code is root-owned and read-only to it.
USER 1000:1000
EXPOSE 4000 5000
ENTRYPOINT ["node", "--enable-source-maps", "--import", "/opt/tsx/node_modules/tsx/dist/loader.mjs"]
CMD ["gateway/src/main.ts"]
