# syntax=docker/dockerfile:1
# CURA trainer-service — GPU image (CUDA 12.8 libtorch for DJL's PyTorch engine).
#
# The fast-jar is the same as the CPU image's. DJL's pytorch-jni jar already carries the CUDA JNI
# glue (jnilib/linux-x86_64/cu128/libdjl_torch.so); what a GPU node additionally needs is libtorch
# built for CUDA. DJL's CUDA native jars (pytorch-native-cu128) are not on Maven Central, so this
# image takes the official libtorch 2.7.1+cu128 distribution (which bundles the CUDA runtime,
# cuBLAS and cuDNN) at image build time and points DJL at it with PYTORCH_LIBRARY_PATH, which DJL
# checks before the classpath (ai.djl.pytorch.jni.LibUtils#findOverrideLibrary). Nothing is
# downloaded at run time; the host provides only the NVIDIA driver (NVIDIA container toolkit).
#
# Build context: the repository root, after
#   ./mvnw -B -pl trainer-service -am package -DskipTests
#   docker build -f deploy/docker/trainer-service-gpu.Dockerfile -t cura/trainer-service-gpu:0.1.0 .

ARG LIBTORCH_VERSION=2.7.1
ARG CUDA_FLAVOR=cu128
ARG LIBTORCH_URL=https://download.pytorch.org/libtorch/cu128/libtorch-cxx11-abi-shared-with-deps-2.7.1%2Bcu128.zip

FROM eclipse-temurin:25-jre AS libtorch
ARG LIBTORCH_URL
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl unzip ca-certificates \
 && curl -fsSL -o /tmp/libtorch.zip "${LIBTORCH_URL}" \
 && unzip -q /tmp/libtorch.zip -d /opt \
 && rm /tmp/libtorch.zip \
 && test -f /opt/libtorch/lib/libtorch.so

FROM eclipse-temurin:25-jre
ARG LIBTORCH_VERSION
ARG CUDA_FLAVOR

RUN groupadd --system --gid 10001 cura \
 && useradd --system --uid 10001 --gid cura --home-dir /opt/cura --no-create-home --shell /usr/sbin/nologin cura \
 && mkdir -p /opt/cura/app /var/lib/cura/artifacts /var/lib/cura/models /var/cache/cura/djl /var/tmp/cura \
 && chown -R cura:cura /var/lib/cura /var/cache/cura /var/tmp/cura

COPY --from=libtorch /opt/libtorch/lib/ /opt/libtorch/lib/
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
    PYTORCH_LIBRARY_PATH=/opt/libtorch/lib \
    PYTORCH_VERSION=${LIBTORCH_VERSION} \
    PYTORCH_FLAVOR=${CUDA_FLAVOR} \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility \
    JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=60 -Xmn64m"

USER 10001:10001
WORKDIR /opt/cura/app
EXPOSE 8082
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=3 \
  CMD ["/opt/cura/healthcheck.sh", "8082", "/q/health/live"]
ENTRYPOINT ["java", "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", "-Djava.io.tmpdir=/var/tmp/cura", "-jar", "/opt/cura/app/quarkus-run.jar"]
