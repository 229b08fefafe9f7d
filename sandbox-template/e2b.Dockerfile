# cloud-agent-v1: the Novita (E2B-compatible) sandbox every Cloud Agent task runs in.
# Build and register it with `node sandbox-template/build-template.ts` (README "Sandboxes").
# Debian-based, single stage, only FROM/ENV/RUN/COPY/USER/WORKDIR: what E2B/Novita templates accept.
FROM node:24-bookworm

ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8

# git, PostgreSQL, Redis and the usual build tools a repository's setup commands expect.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates curl git gnupg jq less procps ripgrep sudo unzip xz-utils \
      build-essential python3 python3-venv \
      postgresql postgresql-contrib redis-server \
 && rm -rf /var/lib/apt/lists/*

# GitHub CLI from GitHub's own apt repository.
RUN curl -fsSL https://cli.github.com/packages/githubcli-archive-keyring.gpg -o /usr/share/keyrings/githubcli-archive-keyring.gpg \
 && chmod go+r /usr/share/keyrings/githubcli-archive-keyring.gpg \
 && echo "deb [arch=$(dpkg --print-architecture) signed-by=/usr/share/keyrings/githubcli-archive-keyring.gpg] https://cli.github.com/packages stable main" > /etc/apt/sources.list.d/github-cli.list \
 && apt-get update && apt-get install -y --no-install-recommends gh \
 && rm -rf /var/lib/apt/lists/*

# uv (Python projects) into /usr/local/bin.
RUN curl -LsSf https://astral.sh/uv/install.sh | env UV_INSTALL_DIR=/usr/local/bin UV_NO_MODIFY_PATH=1 sh \
 && uv --version

# Claude Code, pinned: the version the worker's stream-json parser is tested against.
RUN npm install -g @anthropic-ai/claude-code@2.1.330 \
 && claude --version

# Local databases trust local connections (they only live as long as the sandbox).
RUN for conf in /etc/postgresql/*/main/pg_hba.conf; do \
      sed -i -E 's/(peer|scram-sha-256|md5)$/trust/' "$conf"; \
    done

# The sandbox user (E2B's convention: "user", home /home/user) with passwordless sudo for services.
RUN useradd --create-home --shell /bin/bash user \
 && echo 'user ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/user \
 && chmod 0440 /etc/sudoers.d/user \
 && mkdir -p /home/user/workspace \
 && chown -R user:user /home/user

COPY start-services /usr/local/bin/start-services
RUN chmod 0755 /usr/local/bin/start-services

USER user
WORKDIR /home/user/workspace
