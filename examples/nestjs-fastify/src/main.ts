// NestJS on its Fastify platform: Corsica is a Fastify plugin, registered on Nest's Fastify
// instance. Leave Nest's own CORS off (no `cors: true`, no app.enableCors()): it registers
// @fastify/cors, and two CORS layers send every header twice.
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import cors from '@corsica/fastify';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter());
  // an onRequest hook: preflights are answered before routing, guards and interceptors
  await app.register(cors, {
    origin: ['https://app.example.com', 'http://localhost:*'],
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Authorization'],
  });
  await app.listen(Number(process.env.PORT ?? 3000), '0.0.0.0');
}

void bootstrap();
