# Node 20 as this machine runs it (Debian 12 ships Node 18); the project is bind-mounted at run time.
FROM shopctl/debian:12
RUN apt-get update && apt-get install -y ca-certificates && rm -rf /var/lib/apt/lists/*
COPY node /usr/bin/node
