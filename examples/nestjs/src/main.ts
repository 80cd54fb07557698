// NestJS on its default Express platform: Corsica is plain Express middleware. Leave Nest's own
// CORS off (no `cors: true`, no app.enableCors()): two CORS layers send every header twice.
import { NestFactory } from '@nestjs/core';
import { cors } from '@corsica/express';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  // before any route: preflights are answered here, before guards and interceptors run
  app.use(
    cors({
      origin: ['https://app.example.com', 'http://localhost:*'],
      credentials: true,
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: ['Content-Type', 'Authorization'],
    }),
  );
  await app.listen(Number(process.env.PORT ?? 3000));
}

void bootstrap();
