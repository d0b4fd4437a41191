import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { AdminRoutes, ApiErrors, Answers, TakesJson } from '../api/openapi';
import { AdminGuard } from '../auth/admin.guard';
import { AdminService } from './admin.service';
import { CreateEnvironmentRequest, EnvironmentResponse } from './admin.dto';

@Controller('admin/environments')
@UseGuards(AdminGuard)
@AdminRoutes('admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Post()
  @HttpCode(201)
  @TakesJson(CreateEnvironmentRequest)
  @Answers(201, EnvironmentResponse, 'The environment')
  @ApiErrors(409)
  createEnvironment(@Body() body: CreateEnvironmentRequest): Promise<EnvironmentResponse> {
    return this.admin.createEnvironment(body.id);
  }
}
