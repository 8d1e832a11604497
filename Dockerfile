# Herald as a container image: build with Maven, run on a JRE as a non-root user.
#
#   docker build -t herald:dev .
#   docker run --rm -e HERALD_BROKER_URL=tcp://artemis:61616 ... herald:dev [--key=value ...]
#
# Every setting in config/application.properties can be overridden by an environment variable
# (herald.broker.url -> HERALD_BROKER_URL: dots and dashes become underscores, upper case) or by a
# --key=value argument after the image name. docker-compose.yml shows a complete deployment.

# ---- build ------------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY src ./src
# The cache mount keeps ~/.m2 between builds (BuildKit); nothing of it ends up in the image.
# `package` leaves target/herald.jar, a thin jar whose manifest Class-Path names lib/*.jar, and
# copies the runtime dependencies to target/lib.
RUN --mount=type=cache,target=/root/.m2 mvn -q -B -DskipTests package

# ---- runtime ----------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre

# A fixed uid/gid so that files mounted into the container (the webhook secret, for one) can be
# given to it: chown 10001, or make them readable.
RUN groupadd --system --gid 10001 herald \
 && useradd --system --uid 10001 --gid herald --home-dir /app --no-create-home --shell /usr/sbin/nologin herald

WORKDIR /app
# Herald reads config/application.properties and routes/ relative to its working directory, and
# the jar finds its dependencies in lib/ next to it.
COPY --from=build /src/target/lib/ ./lib/
COPY --from=build /src/target/herald.jar ./herald.jar
COPY config/ ./config/
COPY routes/ ./routes/
# herald.data.dir: the embedded broker's journal and the H2 store when no external broker and
# database are configured, and where config/subscriptions.yaml looks for the demo secret. With an
# external Artemis and PostgreSQL nothing of value is kept here; mount a volume if you run the
# embedded defaults and want them to survive the container.
RUN mkdir -p /app/data && chown herald:herald /app/data

USER herald
# Size the heap from the container's memory limit rather than the JVM's default quarter of it.
ENV JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=75"
# config/application.properties allows loopback deliveries for the local demo; a container must
# not (loopback is the container itself: its management port, its broker).
ENV HERALD_SSRF_ALLOW=""
# The embedded broker's acceptor for legacy clients, when no external broker is configured. It binds
# herald.broker.host (127.0.0.1): set HERALD_BROKER_HOST=0.0.0.0 to reach it from outside. Clients
# log in (producers as `producer`: set HERALD_BROKER_PRODUCER_PASSWORD), and beyond loopback give it
# TLS (HERALD_BROKER_TLS_KEYSTORE and _PASSWORD; docs/security.md) or it warns at every start.
EXPOSE 61616
# HTTP API and console (herald.http.port), health and metrics (herald.management.port). Both bind
# herald.http.host (127.0.0.1): set HERALD_HTTP_HOST=0.0.0.0 - which requires API keys - and
# HERALD_HTTP_ALLOWED_HOSTS to the names clients call it by.
EXPOSE 8080 9876
ENTRYPOINT ["java", "-jar", "herald.jar"]
