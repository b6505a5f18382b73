FROM shopctl/debian:12
# curl: the compose export's healthcheck asks through the balancer, as the official image allows.
RUN apt-get update && apt-get install -y nginx curl && rm -rf /var/lib/apt/lists/*
