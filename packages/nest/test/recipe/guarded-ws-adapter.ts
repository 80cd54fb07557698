import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { wsVerifyClient } from '@corsica/core';
import type { Policy } from '@corsica/core';

/** Nest's `ws` adapter, with every gateway's handshake checked by the policy's origin guard. */
export class GuardedWsAdapter extends WsAdapter {
  private readonly verifyClient: ReturnType<typeof wsVerifyClient>;

  constructor(app: INestApplicationContext, policy: Policy) {
    super(app);
    this.verifyClient = wsVerifyClient(policy); // throws at start-up if the policy has no `guard`
  }

  override create(port: number, options: Parameters<WsAdapter['create']>[1] = {}) {
    return super.create(port, { ...options, verifyClient: this.verifyClient });
  }
}
