# sluice: one image for both roles, `sluice server` (a local SQS, its data on the /data volume) and
# workers (`sluice worker FILE`, `sluice start CONFIG`) with the user's code layered on top:
#
#   docker build -t sluice .
#   docker run -p 127.0.0.1:9324:9324 -v sluice-data:/data sluice     # server --host 0.0.0.0 --data /data
#   docker run -e SLUICE_ENDPOINT=http://sluice:9324 my-workers      # FROM sluice (README: Deploy)
#
# BASE is any Debian-based Node image (22 or later by default: better-sqlite3 13, Node-API).
ARG BASE=node:22-bookworm-slim

# ---- build: compile TypeScript, install production dependencies, compile the SQLite driver
FROM ${BASE} AS build
ENV DEBIAN_FRONTEND=noninteractive
# better-sqlite3 compiles from source (no prebuilt binary is downloaded): it needs python3, make
# and g++ (the slim image has none: installed here, never in the runtime stage) ...
RUN missing=""; for tool in python3 make g++; do command -v "$tool" >/dev/null || missing="$missing $tool"; done; \
    if [ -n "$missing" ]; then \
      apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 make g++ >/dev/null \
      && rm -rf /var/lib/apt/lists/*; \
    fi
# ... and Node's headers, which node-gyp would download from nodejs.org: the official images have
# them in /usr/local/include/node; elsewhere they come from the npm package of the same Node binary.
RUN if [ ! -f /usr/local/include/node/node_api.h ]; then \
      cd /tmp && npm pack --silent "node-linux-$(node -p process.arch)@$(node -p process.versions.node)" >/dev/null \
      && tar -xzf node-linux-*.tgz package/include && mkdir -p /usr/local/include \
      && cp -r package/include/node /usr/local/include/ && rm -rf package node-linux-*.tgz; \
    fi
ENV npm_config_update_notifier=false

# Production dependencies, laid out as `npm install sluice` in /app lays them out. Only the SQLite
# driver this Node loads is compiled (the rule of src/store/sqlite/driver.ts: 13 from Node 22 on),
# from source by npm's own node-gyp, against this base's libc (13 also ships prebuilt binaries for
# eight platforms; 12 would try to download one); its sources, object files and the other
# platforms' binaries stay behind.
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && driver=$(node -p 'Number(process.versions.node.split(".")[0]) >= 22 ? "better-sqlite3-napi" : "better-sqlite3"') \
    && (cd "node_modules/$driver" \
        && node "$(npm prefix -g)/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js" rebuild --release --force_build=1 --nodedir=/usr/local) \
    && test -f "node_modules/$driver/build/Release/better_sqlite3.node" \
    && rm -rf node_modules/better-sqlite3*/deps node_modules/better-sqlite3*/src node_modules/better-sqlite3*/prebuilds \
              node_modules/better-sqlite3*/build/Release/obj* node_modules/better-sqlite3*/build/Release/.deps \
              node_modules/better-sqlite3*/build/Release/test_extension.node node_modules/better-sqlite3*/build/Release/*.a \
              node_modules/better-sqlite3*/build/deps \
    && rm package.json package-lock.json

# The package itself, built and packed as npm publishes it (dist/ and bin/, no src/).
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.js scripts/
COPY src src/
COPY bin bin/
COPY README.md LICENSE CHANGELOG.md ./
RUN npm run build && npm pack --ignore-scripts --silent >/dev/null \
    && mkdir -p /app/node_modules/sluice && tar -xzf sluice-*.tgz -C /app/node_modules/sluice --strip-components=1 \
    && chmod +x /app/node_modules/sluice/bin/sluice.js \
    && ln -s ../sluice/bin/sluice.js /app/node_modules/.bin/sluice

# ---- runtime: Node, tini, the package and its production dependencies; no compiler, no npm cache
FROM ${BASE}
# tini as PID 1 forwards SIGTERM to Node and reaps the processes `sluice pipe` starts.
RUN command -v tini >/dev/null || { \
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tini >/dev/null \
      && rm -rf /var/lib/apt/lists/*; \
    }
COPY --from=build /app /app
RUN ln -s /app/node_modules/sluice/bin/sluice.js /usr/local/bin/sluice \
    && mkdir /data && chown node:node /data
ENV NODE_ENV=production
WORKDIR /app
USER node
VOLUME /data
# sluice server; a worker's /health, /ready and /metrics (WORKER_HEALTH_PORT).
EXPOSE 9324 3003
STOPSIGNAL SIGTERM
# `sluice health` asks SLUICE_HEALTH_URL, else the server's :9324/health and the worker's
# :WORKER_HEALTH_PORT/health (3003): one check for both roles.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["sluice", "health"]
ENTRYPOINT ["tini", "--", "sluice"]
# Inside a container 127.0.0.1 is the container's own: the server binds every interface, and says
# it has no auth. Publish it on the host's loopback (-p 127.0.0.1:9324:9324) or add --auth.
CMD ["server", "--host", "0.0.0.0", "--data", "/data"]
