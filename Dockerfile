# The portcullis image: one static binary, every subcommand
# (detect, gateway, gen, train, drive, upstream, ...), on distroless.
#   docker build -t portcullis .
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/portcullis ./cmd/portcullis \
 && mkdir -p /out/state

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/portcullis /usr/local/bin/portcullis
# Owned by the nonroot user, so a named volume mounted here is writable.
COPY --from=build --chown=65532:65532 /out/state /var/lib/portcullis
USER 65532:65532
EXPOSE 8080 9464 9465
ENTRYPOINT ["/usr/local/bin/portcullis"]
CMD ["--help"]
