# The ridgeline CLI as an image, for sharded sweeps on Kubernetes (packages/engine/docs/kubernetes.md).
#
#   docker build -t ridgeline .
#   docker run --rm ridgeline --help
#   docker run --rm -v "$PWD:/data" ridgeline sweep spec.yaml --top 5
#
# The entrypoint is the CLI itself: arguments after the image name are ridgeline's. The working
# directory is /data, so relative spec and output paths name files in a volume mounted there.
# apps/cli/src/cluster.test.ts runs ENTRYPOINT and CMD below through the built CLI (images cannot
# be built on the project's machines): keep them exec-form JSON arrays.

FROM node:20-bookworm-slim AS build
WORKDIR /opt/ridgeline
COPY . .
# the CLI and the packages it depends on, built as `pnpm build` builds them
RUN npx --yes pnpm@10.34.9 install --frozen-lockfile \
 && npx pnpm@10.34.9 exec turbo run build --filter=ridgeline...

FROM node:20-bookworm-slim
COPY --from=build /opt/ridgeline /opt/ridgeline
WORKDIR /data
USER node
ENTRYPOINT ["node", "/opt/ridgeline/apps/cli/dist/main.js"]
CMD ["--help"]
