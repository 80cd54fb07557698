import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { socketIoAllowRequest } from '@corsica/core';
import type { Policy } from '@corsica/core';
import type { ServerOptions } from 'socket.io';

/** Nest's Socket.IO adapter, with every handshake (polling or WebSocket) checked by the policy's origin guard. */
export class GuardedIoAdapter extends IoAdapter {
  private readonly allowRequest: ReturnType<typeof socketIoAllowRequest>;

  constructor(app: INestApplicationContext, policy: Policy) {
    super(app);
    this.allowRequest = socketIoAllowRequest(policy); // throws at start-up if the policy has no `guard`
  }

  override createIOServer(port: number, options?: ServerOptions) {
    // Socket.IO takes any subset of its options; Nest's type lists them all
    return super.createIOServer(port, { ...options, allowRequest: this.allowRequest } as ServerOptions);
  }
}
