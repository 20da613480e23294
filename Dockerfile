# Image for the API, the worker and the migration job of temporal-dev.yml.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY scripts/prisma-generate.mjs scripts/
COPY prisma prisma
COPY prisma.config.ts ./
RUN npm ci --strict-allow-scripts --omit=dev
COPY . .
USER node
EXPOSE 3000
CMD ["npm", "run", "api"]
