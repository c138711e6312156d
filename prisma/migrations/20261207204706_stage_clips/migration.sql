-- AlterEnum
ALTER TYPE "stage" ADD VALUE 'clips';
