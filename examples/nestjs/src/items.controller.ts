import { Controller, Get, Req } from '@nestjs/common';
import type { Request } from 'express';

@Controller('items')
export class ItemsController {
  @Get()
  list(@Req() request: Request): { items: string[]; cors: string | undefined } {
    // Express's Request is augmented by @corsica/express with the decision
    return { items: [], cors: request.cors?.reason };
  }
}
