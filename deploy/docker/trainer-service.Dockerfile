# syntax=docker/dockerfile:1
# CURA trainer-service — JVM image (Quarkus fast-jar), CPU.
# Build context: the repository root, after the fast-jar exists:
#   ./mvnw -B -pl trainer-service -am package -DskipTests
#   docker build -f deploy/docker/trainer-service.Dockerfile -t cura/trainer-service:0.1.0 .
# (deploy/build-images.sh does both for every service.)
FROM eclipse-temurin:25-jre

# Non-root user; the artifact store, caches and temp files live in writable volumes.
RUN groupadd --system --gid 10001 cura \
 && useradd --system --uid 10001 --gid cura --home-dir /opt/cura --no-create-home --shell /usr/sbin/nologin cura \
 && mkdir -p /opt/cura/app /var/lib/cura/artifacts /var/lib/cura/models /var/cache/cura/djl /var/tmp/cura \
 && chown -R cura:cura /var/lib/cura /var/cache/cura /var/tmp/cura

# Fast-jar layout, dependencies first so that code-only changes reuse the lower layers.
COPY --chown=cura:cura trainer-service/target/quarkus-app/lib/ /opt/cura/app/lib/
COPY --chown=cura:cura trainer-service/target/quarkus-app/*.jar /opt/cura/app/
COPY --chown=cura:cura trainer-service/target/quarkus-app/app/ /opt/cura/app/app/
COPY --chown=cura:cura trainer-service/target/quarkus-app/quarkus/ /opt/cura/app/quarkus/
COPY --chmod=0755 deploy/docker/healthcheck.sh /opt/cura/healthcheck.sh
COPY --chmod=0755 deploy/docker/prestop-drain.sh /opt/cura/prestop-drain.sh

ENV LANG=C.UTF-8 \
    CURA_ARTIFACT_ROOT=/var/lib/cura/artifacts \
    CURA_MODEL_ROOTS=/var/lib/cura/models \
    DJL_CACHE_DIR=/var/cache/cura/djl \
    ENGINE_CACHE_DIR=/var/cache/cura/djl \
    DJL_OFFLINE=true \
    JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=75 -Xmn64m"

USER 10001:10001
WORKDIR /opt/cura/app
EXPOSE 8082
HEALTHCHECK --interval=10s --timeout=5s --start-period=90s --retries=3 \
  CMD ["/opt/cura/healthcheck.sh", "8082", "/q/health/live"]
# --add-modules: the Vector API is an incubator module on Java 25 (FEASIBILITY §7);
# -Dai.djl.offline=true: nothing is downloaded at run time.
ENTRYPOINT ["java", "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", "-Djava.io.tmpdir=/var/tmp/cura", "-jar", "/opt/cura/app/quarkus-run.jar"]
