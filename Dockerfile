# syntax=docker/dockerfile:1
# Two stages: the compiler and the other development dependencies stay in the
# first; the image that runs carries the runtime dependencies and dist/ only.
# test/production/production-install.test.ts runs these same steps without a
# container, and reads this file to keep them the same.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-slim AS runtime
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Numeric (the image's "node" user): a pod with runAsNonRoot can only verify a numeric user.
USER 1000:1000
EXPOSE 4000
# Exec form, node itself: it is PID 1 and gets SIGTERM (through npm or a shell
# it would not), and src/server.ts drains on it. The heap flag is the one
# docs/operations.md "Deploying" explains.
CMD ["node", "--max-old-space-size=128", "dist/src/server.js"]
