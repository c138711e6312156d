# Stand-in for postgres:15: Debian's PostgreSQL 15 as user postgres, data in
# /var/lib/postgresql/data, initialised from POSTGRES_* on first start; pg_isready on the PATH.
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
RUN apt-get update && apt-get install -y postgresql-15 && rm -rf /var/lib/apt/lists/* \
 && rm -rf /var/lib/postgresql/15 \
 && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
COPY postgres/docker-entrypoint.sh /usr/local/bin/
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
USER postgres
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
