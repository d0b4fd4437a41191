import { Module } from '@nestjs/common';
import { SigningKeysController } from './signing-keys.controller';
import { SigningKeysService } from './signing-keys.service';

/** Key rotation, in its own module so that SubscriptionsModule's routes and these evolve apart. */
@Module({ controllers: [SigningKeysController], providers: [SigningKeysService] })
export class SigningKeysModule {}
