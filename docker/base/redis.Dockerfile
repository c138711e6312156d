# Stand-in for redis:7: Debian's redis-server as user redis, data in /data, flags from the command
# (no config file), and the official entrypoint's protected-mode rule.
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
RUN apt-get update && apt-get install -y redis-server && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown redis:redis /data
COPY redis/docker-entrypoint.sh /usr/local/bin/
WORKDIR /data
USER redis
EXPOSE 6379
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["redis-server"]
