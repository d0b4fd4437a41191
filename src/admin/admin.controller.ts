import { Body, Controller, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { AdminGuard } from '../auth/admin.guard';
import { AdminService } from './admin.service';
import { CreateEnvironmentRequest, type EnvironmentResponse, UpdateEnvironmentRequest } from './admin.dto';

@Controller('admin/environments')
@UseGuards(AdminGuard)
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Post()
  @HttpCode(201)
  createEnvironment(@Body() body: CreateEnvironmentRequest): Promise<EnvironmentResponse> {
    return this.admin.createEnvironment(body);
  }

  @Get(':id')
  getEnvironment(@Param('id') id: string): Promise<EnvironmentResponse> {
    return this.admin.getEnvironment(id);
  }

  @Patch(':id')
  updateEnvironment(@Param('id') id: string, @Body() body: UpdateEnvironmentRequest): Promise<EnvironmentResponse> {
    return this.admin.updateEnvironment(id, body);
  }
}
