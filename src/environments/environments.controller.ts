import { Body, Controller, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { AdminRoutes, ApiErrors, Answers, TakesJson } from '../api/openapi';
import { AdminGuard } from '../auth/admin.guard';
import { AdminService } from './environments.service';
import { CreateEnvironmentRequest, EnvironmentResponse, UpdateEnvironmentRequest } from './environment.dto';

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
    return this.admin.createEnvironment(body);
  }

  @Get(':id')
  @Answers(200, EnvironmentResponse, 'The environment')
  @ApiErrors(404)
  getEnvironment(@Param('id') id: string): Promise<EnvironmentResponse> {
    return this.admin.getEnvironment(id);
  }

  @Patch(':id')
  @TakesJson(UpdateEnvironmentRequest)
  @Answers(200, EnvironmentResponse, 'The environment as changed')
  @ApiErrors(404)
  updateEnvironment(@Param('id') id: string, @Body() body: UpdateEnvironmentRequest): Promise<EnvironmentResponse> {
    return this.admin.updateEnvironment(id, body);
  }
}
