import { Controller, Get, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

@Controller('items')
export class ItemsController {
  @Get()
  list(@Req() request: FastifyRequest): { items: string[]; cors: string | undefined } {
    // Fastify's request is augmented by @corsica/fastify with the decision (null where CORS is off)
    return { items: [], cors: request.cors?.reason };
  }
}
