FROM shopctl/debian:12
RUN apt-get update && apt-get install -y nginx && rm -rf /var/lib/apt/lists/*
