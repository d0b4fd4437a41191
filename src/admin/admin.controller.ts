import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { AdminGuard } from '../auth/admin.guard';
import { AdminService } from './admin.service';
import { CreateEnvironmentRequest, type EnvironmentResponse } from './admin.dto';

@Controller('admin/environments')
@UseGuards(AdminGuard)
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Post()
  @HttpCode(201)
  createEnvironment(@Body() body: CreateEnvironmentRequest): Promise<EnvironmentResponse> {
    return this.admin.createEnvironment(body.id);
  }
}
