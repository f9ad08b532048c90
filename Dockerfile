# The portcullis image: one static binary, every subcommand
# (detect, gateway, gen, train, drive, upstream, ...), on distroless.
#   docker build -t portcullis .
FROM golang:1.26.8 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# What "portcullis version" says and /metrics exports as portcullis_build_info:
#   docker build --build-arg VERSION=$(git describe --tags) --build-arg COMMIT=$(git rev-parse HEAD) \
#     --build-arg DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ) -t portcullis .
ARG VERSION=dev
ARG COMMIT=unknown
ARG DATE=unknown
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w \
      -X github.com/portcullis/portcullis/internal/buildinfo.version=${VERSION} \
      -X github.com/portcullis/portcullis/internal/buildinfo.commit=${COMMIT} \
      -X github.com/portcullis/portcullis/internal/buildinfo.date=${DATE}" \
      -o /out/portcullis ./cmd/portcullis \
 && mkdir -p /out/state

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/portcullis /usr/local/bin/portcullis
# Owned by the nonroot user, so a named volume mounted here is writable.
COPY --from=build --chown=65532:65532 /out/state /var/lib/portcullis
USER 65532:65532
EXPOSE 8080 9464 9465
ENTRYPOINT ["/usr/local/bin/portcullis"]
CMD ["--help"]
