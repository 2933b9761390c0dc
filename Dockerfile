# syntax=docker/dockerfile:1
# The budget service: built in one stage, run as a non-root user in a slim second stage, on the
# current Node.js LTS line (26, Active LTS since 2026-10-28, supported until April 2029).
# NODE_IMAGE replaces the base where no registry can be reached: any image with Node.js 26, npm,
# a POSIX shell and a user `node` (uid 1000), such as the one scripts/container-check.sh makes.
ARG NODE_IMAGE=node:26-slim

FROM ${NODE_IMAGE} AS build
# Behind a proxy that inspects TLS (common in a council's network), npm needs the proxy's CA: mount
# the file into the build and name it, e.g. podman build -v /etc/ssl/certs/proxy-ca.crt:/ca.crt:ro
# --build-arg NODE_EXTRA_CA_CERTS=/ca.crt. Only this stage sees it; the image does not keep it.
ARG NODE_EXTRA_CA_CERTS
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY packages/ras-core/package.json packages/ras-core/
COPY migrations/package.json migrations/
COPY services/api/package.json services/api/
RUN npm ci --no-audit --no-fund
COPY packages/ras-core packages/ras-core
COPY migrations migrations
COPY services/api services/api
COPY openapi openapi
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
# Workspace packages are linked from node_modules, so they keep their paths.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/packages/ras-core/package.json packages/ras-core/
COPY --from=build /app/packages/ras-core/dist packages/ras-core/dist
COPY --from=build /app/migrations/package.json migrations/
COPY --from=build /app/migrations/dist migrations/dist
COPY --from=build /app/services/api/package.json services/api/
COPY --from=build /app/services/api/dist services/api/dist
# The examples /openapi.json and /docs show.
COPY --from=build /app/openapi/examples.json openapi/examples.json
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/ready').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
CMD ["node", "services/api/dist/server.js"]
